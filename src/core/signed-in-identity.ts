/** Where the app notes, per tab, which identity is signed in, for the rendered pages' islands. */
export const SIGNED_IN_IDENTITY_KEY = 'inkwell:signed-in-identity';
