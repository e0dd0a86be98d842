/** Entry of the built-in `reviews-v3` image (red stars). */
import { runApp } from './http-app.js';
import { reviewsHandler } from './reviews.js';

runApp({ name: 'reviews-v3', handler: reviewsHandler('red') });
