"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useForm } from "react-hook-form";
import { useTRPC } from "~/components/providers/trpc-react-provider";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { Card, CardBody } from "~/components/ui/card";
import { Field, Input } from "~/components/ui/field";

export function CreateWorkspaceForm() {
  const trpc = useTRPC();
  const router = useRouter();
  const create = useMutation(trpc.workspace.create.mutationOptions());
  const { register, handleSubmit, formState } = useForm<{ name: string }>({ defaultValues: { name: "" } });

  const onSubmit = handleSubmit(async ({ name }) => {
    const workspace = await create.mutateAsync({ name }).catch(() => null);
    if (workspace) router.push(`/w/${workspace.slug}`);
  });

  return (
    <Card>
      <CardBody className="space-y-5 py-6">
        <div>
          <h1 className="text-lg font-semibold">Create a workspace</h1>
          <p className="mt-1 text-sm text-slate-500">A workspace holds your team&apos;s connections and syncs. You can invite teammates next.</p>
        </div>
        {create.error ? <Alert>{create.error.message}</Alert> : null}
        <form onSubmit={onSubmit} className="space-y-4" noValidate>
          <Field id="workspace-name" label="Workspace name" error={formState.errors.name?.message}>
            <Input id="workspace-name" placeholder="Acme Marketing" autoFocus {...register("name", { required: "Name the workspace." })} />
          </Field>
          <Button type="submit" className="w-full" isLoading={formState.isSubmitting}>
            Create workspace
          </Button>
        </form>
      </CardBody>
    </Card>
  );
}
