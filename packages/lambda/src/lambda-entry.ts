import { createHandler } from './lambda-handler.js';

/**
 * The function's handler (`index.handler` in the deployment package). Created at module load, so
 * the environment is validated during the cold start.
 */
export const handler = createHandler();
