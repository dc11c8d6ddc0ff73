"""Personal data: the privacy notice, its acceptance, downloads, erasure and retention."""
