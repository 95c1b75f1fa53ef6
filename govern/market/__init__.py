"""The marketplace: members' companies offer services, products and jobs, paid in RSC."""
