-- CreateEnum
CREATE TYPE "AlertChannelKind" AS ENUM ('EMAIL', 'SLACK', 'WEBHOOK');

-- CreateEnum
CREATE TYPE "AlertEvent" AS ENUM ('FAILURE', 'RECOVERY', 'THRESHOLD', 'WARNING');

-- CreateEnum
CREATE TYPE "AlertOutcome" AS ENUM ('SENT', 'LOGGED', 'FAILED');

-- CreateTable
CREATE TABLE "AlertPolicy" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "syncId" TEXT,
    "onFailure" BOOLEAN NOT NULL DEFAULT true,
    "onRecovery" BOOLEAN NOT NULL DEFAULT true,
    "onWarning" BOOLEAN NOT NULL DEFAULT false,
    "problemRowsPercent" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AlertPolicy_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AlertChannel" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "policyId" TEXT NOT NULL,
    "kind" "AlertChannelKind" NOT NULL,
    "label" TEXT NOT NULL,
    "secrets" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AlertChannel_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AlertDelivery" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "syncId" TEXT NOT NULL,
    "runId" TEXT NOT NULL,
    "channelId" TEXT,
    "event" "AlertEvent" NOT NULL,
    "channelKind" "AlertChannelKind" NOT NULL,
    "target" TEXT NOT NULL,
    "outcome" "AlertOutcome" NOT NULL,
    "error" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AlertDelivery_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "AlertPolicy_syncId_key" ON "AlertPolicy"("syncId");

-- CreateIndex
CREATE INDEX "AlertPolicy_workspaceId_idx" ON "AlertPolicy"("workspaceId");

-- CreateIndex
CREATE INDEX "AlertChannel_workspaceId_policyId_idx" ON "AlertChannel"("workspaceId", "policyId");

-- CreateIndex
CREATE INDEX "AlertDelivery_workspaceId_syncId_createdAt_idx" ON "AlertDelivery"("workspaceId", "syncId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "AlertDelivery_runId_channelId_event_key" ON "AlertDelivery"("runId", "channelId", "event");

-- AddForeignKey
ALTER TABLE "AlertPolicy" ADD CONSTRAINT "AlertPolicy_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AlertPolicy" ADD CONSTRAINT "AlertPolicy_syncId_fkey" FOREIGN KEY ("syncId") REFERENCES "Sync"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AlertChannel" ADD CONSTRAINT "AlertChannel_policyId_fkey" FOREIGN KEY ("policyId") REFERENCES "AlertPolicy"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AlertDelivery" ADD CONSTRAINT "AlertDelivery_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AlertDelivery" ADD CONSTRAINT "AlertDelivery_syncId_fkey" FOREIGN KEY ("syncId") REFERENCES "Sync"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AlertDelivery" ADD CONSTRAINT "AlertDelivery_runId_fkey" FOREIGN KEY ("runId") REFERENCES "SyncRun"("id") ON DELETE CASCADE ON UPDATE CASCADE;
