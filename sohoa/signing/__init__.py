"""Digital signatures of digitized documents: keys (PKCS#12, PKCS#11), the visible box, PAdES signing, verification."""
