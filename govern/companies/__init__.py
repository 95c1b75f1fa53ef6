"""Companies and collectives: workers and their rates, outside income, hours, payroll, bankruptcy."""
