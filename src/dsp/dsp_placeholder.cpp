// Removed once the DSP stages land.
