-- The projects an image belongs to (LXD's images_projects): a project with features.images has its own images; one
-- image file set may belong to several projects (the same fingerprint uploaded in each). Existing images are default's.
CREATE TABLE images_projects (
    image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
    project  TEXT NOT NULL,
    PRIMARY KEY (image_id, project)
);
INSERT INTO images_projects (image_id, project) SELECT id, 'default' FROM images;
