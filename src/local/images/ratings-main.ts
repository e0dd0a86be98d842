/** Entry of the built-in `ratings` image. */
import { runApp } from './http-app.js';
import { ratingsHandler } from './ratings.js';

runApp({ name: 'ratings', handler: ratingsHandler });
