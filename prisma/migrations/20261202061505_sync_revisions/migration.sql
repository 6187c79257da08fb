-- CreateTable
CREATE TABLE "SyncRevision" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "syncId" TEXT NOT NULL,
    "number" INTEGER NOT NULL,
    "actorId" TEXT,
    "actorLabel" TEXT NOT NULL,
    "changes" JSONB NOT NULL DEFAULT '[]',
    "definition" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SyncRevision_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "SyncRevision_workspaceId_syncId_createdAt_idx" ON "SyncRevision"("workspaceId", "syncId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "SyncRevision_syncId_number_key" ON "SyncRevision"("syncId", "number");

-- AddForeignKey
ALTER TABLE "SyncRevision" ADD CONSTRAINT "SyncRevision_syncId_fkey" FOREIGN KEY ("syncId") REFERENCES "Sync"("id") ON DELETE CASCADE ON UPDATE CASCADE;
