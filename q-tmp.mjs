import { PGlite } from "@electric-sql/pglite";
const db = await PGlite.create(process.argv[2]);
const r = await db.query(`select r.id, r.status, r."verification" is null as nover, s.name from "SyncRun" r join "Sync" s on s.id=r."syncId" order by r.id`);
console.log(r.rows);
const l = await db.query(`select "runId", step, message from "SyncRunLog" order by "at" desc limit 30`);
for (const x of l.rows) console.log(x.runId, x.step, x.message.slice(0,200));
