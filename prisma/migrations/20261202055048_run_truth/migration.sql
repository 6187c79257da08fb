-- AlterEnum
ALTER TYPE "RunStatus" ADD VALUE 'SUCCEEDED_WITH_INVALID_ROWS';

-- AlterTable
ALTER TABLE "SyncRun" ADD COLUMN     "apiTokenId" TEXT,
ADD COLUMN     "warnings" JSONB;
