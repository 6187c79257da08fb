import { restRunErrorsCsvHandler } from "~/server/api/run-errors-csv";

export const dynamic = "force-dynamic";

export const GET = restRunErrorsCsvHandler;
