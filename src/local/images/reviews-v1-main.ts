/** Entry of the built-in `reviews-v1` image (none stars). */
import { runApp } from './http-app.js';
import { reviewsHandler } from './reviews.js';

runApp({ name: 'reviews-v1', handler: reviewsHandler('none') });
