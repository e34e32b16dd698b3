-- Staff by role and name: the ticket page offers the people a ticket can be
-- assigned to, and with every customer a user too (a desk with a million
-- tickets has some 50,000), finding the handful of agents read the whole
-- table.
CREATE INDEX "User_role_name_idx" ON "User"("role", "name");
