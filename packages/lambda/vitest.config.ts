import { floeProject } from '../../vitest.shared.js';

export default floeProject('lambda');
