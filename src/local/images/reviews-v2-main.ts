/** Entry of the built-in `reviews-v2` image (black stars). */
import { runApp } from './http-app.js';
import { reviewsHandler } from './reviews.js';

runApp({ name: 'reviews-v2', handler: reviewsHandler('black') });
