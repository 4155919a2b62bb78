// The review ledger: records, their folding into current state, and the review check.
export * from './records';
export * from './fold';
export * from './check';
export * from './contribution';
export * from './editor';
export * from './reject';
export * from './appendOnly';
export * from './signedReview';
