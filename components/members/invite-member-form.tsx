"use client";

import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { useTRPC } from "~/components/providers/trpc-react-provider";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { Card, CardBody, CardHeader } from "~/components/ui/card";
import { OneTimeSecret } from "~/components/ui/copy-button";
import { Field, Input, Select } from "~/components/ui/field";
import { useWorkspace } from "~/components/workspace/workspace-context";

type Values = { email: string; role: "ADMIN" | "MEMBER" | "VIEWER" };

export function InviteMemberForm({ onInvited }: { onInvited: () => void }) {
  const trpc = useTRPC();
  const workspace = useWorkspace();
  const [link, setLink] = useState<{ email: string; url: string } | null>(null);
  const invite = useMutation(trpc.invitation.create.mutationOptions());
  const { register, handleSubmit, formState, reset } = useForm<Values>({ defaultValues: { email: "", role: "MEMBER" } });

  const onSubmit = handleSubmit(async (values) => {
    const result = await invite.mutateAsync({ workspaceId: workspace.id, ...values }).catch(() => null);
    if (!result) return;
    setLink({ email: result.email, url: result.url });
    reset({ email: "", role: values.role });
    onInvited();
  });

  return (
    <Card>
      <CardHeader title="Invite a teammate" description="No email is sent: copy the link and share it. It works once, for 7 days; a lost link can be replaced below." />
      <CardBody className="space-y-4">
        <form onSubmit={onSubmit} className="flex flex-wrap items-end gap-3" noValidate>
          <Field id="invite-email" label="Email" className="min-w-64 flex-1" error={formState.errors.email?.message}>
            <Input id="invite-email" type="email" placeholder="teammate@company.com" {...register("email", { required: "Enter an email." })} />
          </Field>
          <Field id="invite-role" label="Role">
            <Select id="invite-role" {...register("role")}>
              <option value="ADMIN">Admin</option>
              <option value="MEMBER">Member</option>
              <option value="VIEWER">Viewer</option>
            </Select>
          </Field>
          <Button type="submit" isLoading={formState.isSubmitting}>
            Create invitation
          </Button>
        </form>
        {invite.error ? <Alert>{invite.error.message}</Alert> : null}
        {link ? (
          <Alert tone="success" title={`Invitation link for ${link.email}: copy it now, it is shown only once`}>
            <OneTimeSecret value={link.url} testId="invitation-url" />
          </Alert>
        ) : null}
      </CardBody>
    </Card>
  );
}
