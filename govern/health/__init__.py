"""The group health plan: members who do a voted share of their commerce inside the co-op may
enroll; the premium is paid monthly, split between the member and the capital pool."""
