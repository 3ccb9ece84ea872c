"""Import of a collective.exportimport export of a Plone site: content, people and access, repeatably."""
