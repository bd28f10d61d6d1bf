"""Cambodia's administrative places: province, district, commune, village."""
