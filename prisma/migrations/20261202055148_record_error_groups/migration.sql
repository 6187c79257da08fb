-- AlterTable: errors recorded before this migration group on their full reason.
ALTER TABLE "SyncRecordError" ADD COLUMN     "reasonGroup" TEXT,
ADD COLUMN     "rowNumber" INTEGER,
ADD COLUMN     "rowValues" TEXT;
UPDATE "SyncRecordError" SET "reasonGroup" = "reason";
ALTER TABLE "SyncRecordError" ALTER COLUMN "reasonGroup" SET NOT NULL;

-- CreateIndex
CREATE INDEX "SyncRecordError_workspaceId_runId_kind_field_reasonGroup_id_idx" ON "SyncRecordError"("workspaceId", "runId", "kind", "field", "reasonGroup", "id");
