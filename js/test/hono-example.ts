// The README's Hono example, mounted by the test worker at /hono: many databases under /hono/db
// (dormMiddleware), and the original's one-database API per user under /hono/me/db.
import { Hono } from "hono";
import { createClient, dormMiddleware, type DORM } from "dormroom";

type Bindings = { DORM: DurableObjectNamespace<DORM>; DB_SECRET: string };

export const app = new Hono<{ Bindings: Bindings }>().basePath("/hono");

// Many databases: POST /hono/db/{database}/query/raw, the explorer at /hono/db/studio.
app.use("/db/*", async (c, next) => {
  const db = dormMiddleware(c.env.DORM, { prefix: "/hono/db", secret: c.env.DB_SECRET });
  return (await db(c.req.raw)) ?? next();
});

// One database per user, with the client's own middleware (the original's API).
app.use("/me/db/*", async (c, next) => {
  const client = createClient(c.env.DORM, { name: "user:me", statements: ["CREATE TABLE IF NOT EXISTS notes (body TEXT)"] });
  return (await client.middleware(c.req.raw, { prefix: "/hono/me/db", secret: c.env.DB_SECRET })) ?? next();
});

app.get("/", (c) => c.text("the app"));
