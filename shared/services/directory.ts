import { getDirectory } from '../data/directory';
import { problems } from '../http/problem';
import type { Directory } from '../schemas/directory';

/** The directory, or a 503 problem when the office has not loaded one yet. */
export const requireDirectory = async (): Promise<Directory> => {
  const directory = await getDirectory();
  if (!directory) throw problems.unavailable(60);
  return directory;
};

export const officeName = '领导小组办公室';

export const groupName = (directory: Directory, groupId: string | undefined): string =>
  (groupId && directory.groups.find((g) => g.id === groupId)?.name) || officeName;
