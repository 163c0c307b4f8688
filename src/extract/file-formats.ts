/** The file types the upload endpoint accepts, by extension. */
export const FILE_FORMATS = ['txt', 'md', 'html', 'htm', 'rtf', 'pdf', 'doc', 'docx', 'docm', 'ppt', 'pptx', 'pptm'] as const;

export type FileFormat = (typeof FILE_FORMATS)[number];

/** The format a file name's extension names, or undefined when Parley does not take it. */
export function formatOf(fileName: string): FileFormat | undefined {
  const ext = /\.([A-Za-z0-9]+)$/.exec(fileName)?.[1]?.toLowerCase();
  return (FILE_FORMATS as readonly string[]).includes(ext ?? '') ? (ext as FileFormat) : undefined;
}
