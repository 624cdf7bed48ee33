package org.pgkernel.hba.internal.file;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/** The strerror() text (%m) for an I/O failure, as PostgreSQL's messages print it. */
public final class FileErrors {
    private FileErrors() {
    }

    public static String strerror(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "No such file or directory";
        }
        if (e instanceof AccessDeniedException) {
            return "Permission denied";
        }
        if (e instanceof NotDirectoryException) {
            return "Not a directory";
        }
        if (e instanceof FileSystemException fse && fse.getReason() != null) {
            String reason = fse.getReason();
            return reason.isEmpty() ? "Input/output error" : Character.toUpperCase(reason.charAt(0)) + reason.substring(1);
        }
        return e.getMessage() == null ? "Input/output error" : e.getMessage();
    }

    public static boolean isMissing(IOException e) {
        return e instanceof NoSuchFileException;
    }
}
