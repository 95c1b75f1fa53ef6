"""The wage table: occupations and industries with their factors, the hourly wage the region
votes per occupation (optionally per industry) with its history, the rule by which a cut
reaches workers hired before it, and the original design's wage calculator."""
