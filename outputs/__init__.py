"""The output folder (OUT): its layout, atomic writes, the lock, the writers of each document's
files and of the run's files (dataset, documents.csv, summary.html), and review.json."""
