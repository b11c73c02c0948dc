import { floeLibrary } from '../../tsup.shared.js';

// Test and demo services run from source or as ESM only (they use import.meta).
export default floeLibrary({ format: ['esm'] });
