/** Entry of the built-in `details` image. */
import { runApp } from './http-app.js';
import { detailsHandler } from './details.js';

runApp({ name: 'details', handler: detailsHandler });
