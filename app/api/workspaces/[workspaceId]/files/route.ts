import { deleteWorkspaceFileHandler, listWorkspaceFilesHandler, uploadWorkspaceFileHandler } from "~/server/api/workspace-files";

export const dynamic = "force-dynamic";

export const GET = listWorkspaceFilesHandler;
export const POST = uploadWorkspaceFileHandler;
export const DELETE = deleteWorkspaceFileHandler;
