import { z } from "zod";
import { createTRPCRouter, publicProcedure } from "~/server/api/trpc";
import { signUpUser } from "~/server/services/users/sign-up-user";

export const authRouter = createTRPCRouter({
  signUp: publicProcedure
    .input(z.object({ email: z.email("Enter a valid email address."), password: z.string().min(1, "Enter a password."), name: z.string().max(100).optional() }))
    .output(z.object({ id: z.string(), email: z.string() }))
    .mutation(({ input }) => signUpUser(input)),
});
