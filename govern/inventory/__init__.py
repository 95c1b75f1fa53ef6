"""The region's inventory: everything the co-op owns together, public, with its history."""
