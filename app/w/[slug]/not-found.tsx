"use client";

import { NotFoundMessage } from "~/components/ui/not-found-message";
import { useWorkspace } from "~/components/workspace/workspace-context";

/** Unknown ids inside a workspace: shown in the workspace's own shell, so the navigation stays. */
export default function NotFound() {
  const workspace = useWorkspace();
  return (
    <NotFoundMessage
      title="This page does not exist in this workspace"
      description={`The connection, sync or run may have been deleted, or the link belongs to another workspace than ${workspace.name}.`}
      backHref={`/w/${workspace.slug}`}
      backLabel={`Back to ${workspace.name}`}
    />
  );
}
