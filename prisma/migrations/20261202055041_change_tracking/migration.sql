-- AlterTable
ALTER TABLE "Sync" ADD COLUMN     "changeTracking" JSONB,
ADD COLUMN     "lastFullCompareAt" TIMESTAMP(3),
ADD COLUMN     "watermark" TEXT;

-- AlterTable
ALTER TABLE "SyncRun" ADD COLUMN     "changeMax" TEXT,
ADD COLUMN     "readMode" TEXT,
ADD COLUMN     "readSince" TEXT;
