// AI providers: OpenAI, Anthropic, Hugging Face.
import type { DetectorSpec } from '../types';
import { END, START } from './fragments';

export const AI_DETECTORS: DetectorSpec[] = [
  {
    id: 'openai-api-key',
    description: 'OpenAI API key carrying the T3BlbkFJ marker (sk-…, sk-proj-…, sk-svcacct-…, sk-admin-…)',
    keywords: ['sk-'],
    pattern: new RegExp(`${START}sk-(?:(?:proj|svcacct|admin|None)-)?[A-Za-z0-9_-]{16,160}?T3BlbkFJ[A-Za-z0-9_-]{16,160}${END}`),
    minEntropy: 4,
    priority: 25,
  },
  {
    id: 'openai-project-key',
    description: 'OpenAI project, service-account or admin key (sk-proj-…, sk-svcacct-…, sk-admin-…)',
    keywords: ['sk-proj-', 'sk-svcacct-', 'sk-admin-'],
    pattern: new RegExp(`${START}sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{40,200}${END}`),
    minEntropy: 4,
    priority: 20,
  },
  {
    id: 'anthropic-api-key',
    description: 'Anthropic API key (sk-ant-api03-…)',
    keywords: ['sk-ant-api'],
    pattern: new RegExp(`${START}sk-ant-api0[0-9]-[A-Za-z0-9_-]{80,110}AA${END}`),
    minEntropy: 4,
    priority: 30,
  },
  {
    id: 'anthropic-admin-key',
    description: 'Anthropic Admin API key (sk-ant-admin01-…)',
    keywords: ['sk-ant-admin'],
    pattern: new RegExp(`${START}sk-ant-admin0[0-9]-[A-Za-z0-9_-]{80,110}AA${END}`),
    minEntropy: 4,
    priority: 30,
  },
  {
    id: 'huggingface-token',
    description: 'Hugging Face user or organisation access token (hf_…, api_org_…)',
    keywords: ['hf_', 'api_org_'],
    pattern: new RegExp(`${START}(?:hf_|api_org_)[A-Za-z0-9]{34,40}${END}`),
    minEntropy: 3.8,
    priority: 20,
  },
];
