/** Entry of the built-in `productpage` image. */
import { runApp } from './http-app.js';
import { productpageHandler } from './productpage.js';

runApp({ name: 'productpage', handler: productpageHandler });
