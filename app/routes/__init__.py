"""Routes, split by what they return: full pages, or the training stream."""
