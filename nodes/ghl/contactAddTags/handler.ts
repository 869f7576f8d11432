import { contactTagsNode } from '../lib/tags-node.js';

export default contactTagsNode({
  type: 'ghl.contact.addTags',
  title: 'Add tags',
  description: 'Adds tags to a contact; tags it already has stay, so running it twice changes nothing. Emits {contactId, tags}: the contact\'s tags afterwards.',
  method: 'POST',
  what: 'adding the tags',
});
