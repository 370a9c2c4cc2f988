"""Teaching: the Learn tutorial's formulas, lessons and their links, and rehearsing a lesson."""
