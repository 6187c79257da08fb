-- CreateTable
CREATE TABLE "SyncSentBatch" (
    "id" BIGSERIAL NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "runId" TEXT NOT NULL,
    "lastPage" INTEGER NOT NULL,
    "keys" TEXT[],
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SyncSentBatch_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "SyncSentBatch_runId_lastPage_idx" ON "SyncSentBatch"("runId", "lastPage");

-- AddForeignKey
ALTER TABLE "SyncSentBatch" ADD CONSTRAINT "SyncSentBatch_runId_fkey" FOREIGN KEY ("runId") REFERENCES "SyncRun"("id") ON DELETE CASCADE ON UPDATE CASCADE;
