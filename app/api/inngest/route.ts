import { serve } from "inngest/next";
import { inngest } from "~/server/jobs/inngest/client";
import { functions } from "~/server/jobs/inngest/functions";

// Inngest calls this route to register the functions (PUT) and to run each step (POST).
export const { GET, POST, PUT } = serve({ client: inngest, functions });
