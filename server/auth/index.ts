import "server-only";
import { cache } from "react";
import { getServerSession } from "next-auth";
import { authOptions } from "./config";

/** The signed-in user's session for this request (cached per request in server components). */
export const auth = cache(() => getServerSession(authOptions));
