// How a peer says it cannot express a shape (an "n/a" in the table, with the
// reason printed under it) rather than failing: its translator throws
// Inexpressible, and `supportsBy` turns that into the reason. Any other error
// is a bug in the translation and still fails the run.

export class Inexpressible extends Error {}

/** engine.supports(shape) for a peer whose `translate(shape)` throws Inexpressible. */
export const supportsBy = (translate) => (shape) => {
  try {
    translate(shape);
    return true;
  } catch (err) {
    if (err instanceof Inexpressible) return err.message;
    throw err;
  }
};
