"""The tuk-tuk contracting scheme: drivers, contracts, trips and monthly payments."""
