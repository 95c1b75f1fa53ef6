"""Growing the co-op's capital: acquisitions of businesses, asset purchases, equipment grants."""
