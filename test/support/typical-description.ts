/**
 * What a customer writes: prose of typical length, not a run of one letter, so that a stored
 * (compressed) ticket is as large as a real one. Used by the bench and the store's size test.
 */
export const TYPICAL_DESCRIPTION =
  'Since the update on Monday the invoice export stops halfway. We open Reports, pick last month, press Export and after ' +
  'about a minute the browser shows a spinner that never ends. Colleagues in the Utrecht office see the same; the Ghent ' +
  'office does not. We tried another browser and clearing the cache. Until this works our month-end close is blocked, so ' +
  'please treat it as urgent. Screenshots are attached to the first reply. Kind regards, Alice from Globex finance.';
