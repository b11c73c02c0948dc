import { floeLibrary } from '../../tsup.shared.js';

export default floeLibrary();
