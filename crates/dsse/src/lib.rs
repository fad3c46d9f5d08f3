//! DSSE envelopes: PAE, signing and threshold verification.
