"""Smart Women peer-mentor groups, one per community, supervised by the CCWC."""
