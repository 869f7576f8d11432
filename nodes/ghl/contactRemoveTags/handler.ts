import { contactTagsNode } from '../lib/tags-node.js';

export default contactTagsNode({
  type: 'ghl.contact.removeTags',
  title: 'Remove tags',
  description: 'Removes tags from a contact; tags it does not have are ignored. Emits {contactId, tags}: the contact\'s tags afterwards.',
  method: 'DELETE',
  what: 'removing the tags',
});
