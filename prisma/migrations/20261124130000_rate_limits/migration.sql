-- Sign-in and sign-up throttles kept in PostgreSQL, so every app process
-- counts together (the table rate-limiter-flexible's PostgreSQL store uses).

-- CreateTable
CREATE TABLE "rate_limits" (
    "key" VARCHAR(255) NOT NULL,
    "points" INTEGER NOT NULL DEFAULT 0,
    "expire" BIGINT,

    CONSTRAINT "rate_limits_pkey" PRIMARY KEY ("key")
);
